require('./node_modules/@kusto/language-service-next/bridge.js');
require('./node_modules/@kusto/language-service-next/Kusto.Language.Bridge.js');
const K = Kusto.Language;
const t = new K.Symbols.TableSymbol.$ctor7('traces', '(timestamp:datetime, message:string, customDimensions:dynamic)', null);
const db = new K.Symbols.DatabaseSymbol.$ctor1('appinsights', [t], false);
const g = K.GlobalState.Default.WithDatabase(db);
for (const q of ['traces | where message startswith "[heartbeat] " | extend j=parse_json(substring(message,12)) | project timestamp, d=tostring(j.device)', 'traces | project nope', 'let a = 5m;\ntraces | where timestamp > ago(a) | take 1']) {
  const code = K.KustoCode.ParseAndAnalyze(q, g);
  const d = code.GetDiagnostics();
  const n = d.Count; const out=[];
  for (let i=0;i<n;i++){ const x=d.getItem(i); out.push(`${x.Severity} ${x.Start} ${x.Message}`);}
  console.log(q.slice(0,30), n, out);
}
