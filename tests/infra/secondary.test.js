'use strict';
// Issue 18 §1: the optional secondary stack. Every module main.bicep calls for the primary is
// called again for the secondary (same file, only when secondaryLocation is set), each name of
// the secondary differs from the primary's and carries its region (or, for the two resources
// Azure caps at 24 characters, a token of the region), each app beats the other's Ping, and the
// same-region refusal that Bicep cannot make (no fail() in every Bicep version) is in deploy.sh.
const test = require('node:test');
const assert = require('node:assert/strict');
const { readRepoFile } = require('./tools');
const { stripComments, params } = require('./bicep-text');

const main = stripComments(readRepoFile('infra/main.bicep'));
const calls = [...main.matchAll(/^module (\w+) '([^']+)' = (?:if \(([^\n]*)\) )?\{([\s\S]*?)^\}/gm)]
  .map((m) => ({ symbol: m[1], file: m[2], condition: m[3] || '', body: m[4] }));
const primary = calls.filter((c) => !c.symbol.endsWith('Secondary'));
const bySymbol = new Map(calls.map((c) => [c.symbol, c]));
const paramOf = (call, name) => {
  const m = call.body.match(new RegExp(`^\\s+${name}: (.+)$`, 'm'));
  return m ? m[1].trim() : undefined;
};

test('secondaryLocation is optional and empty by default', () => {
  const p = params(readRepoFile('infra/main.bicep')).find((x) => x.name === 'secondaryLocation');
  assert.ok(p, 'main.bicep lacks param secondaryLocation');
  assert.match(main, /^param secondaryLocation string = ''$/m);
});

test('every module of the primary stack has a secondary twin, from the same file, only with a secondary', () => {
  assert.ok(primary.length >= 10, `found only ${primary.length} module calls`);
  for (const call of primary) {
    const twin = bySymbol.get(`${call.symbol}Secondary`);
    assert.ok(twin, `module ${call.symbol} has no ${call.symbol}Secondary`);
    assert.equal(twin.file, call.file, `${twin.symbol} calls another file`);
    assert.match(twin.condition, /\bhasSecondary\b/, `${twin.symbol} is not conditional on hasSecondary`);
  }
  assert.match(main, /^var hasSecondary = !empty\(secondaryLocation\)$/m);
});

test('the secondary runs in secondaryLocation and its names carry the region, never the primary\'s names', () => {
  for (const call of calls.filter((c) => c.symbol.endsWith('Secondary'))) {
    const location = paramOf(call, 'location');
    if (location !== undefined) assert.equal(location, 'secondaryLocation', `${call.symbol} is placed in ${location}`);
    for (const m of call.body.matchAll(/^\s+\w*[nN]ame: (names\.\w+)$/gm)) {
      assert.fail(`${call.symbol} uses the primary's ${m[1]}`);
    }
  }
  const block = main.match(/^var secondaryNames = \{([\s\S]*?)^\}/m);
  assert.ok(block, 'main.bicep has no secondaryNames');
  for (const line of block[1].split('\n').filter((l) => l.includes(':'))) {
    assert.match(line, /\$\{secondaryLocation\}|\$\{secondaryToken\}/, `a secondary name without its region: ${line.trim()}`);
  }
  assert.match(main, /^var secondaryToken = uniqueString\(resourceGroup\(\)\.id, secondaryLocation\)$/m);
});

test('each app beats the other\'s StackPing, the secondary covers for stack-<primary>', () => {
  assert.equal(paramOf(bySymbol.get('functionApp'), 'peerPingUrl'), "hasSecondary ? secondaryPingUrl : ''");
  assert.equal(paramOf(bySymbol.get('functionAppSecondary'), 'peerPingUrl'), 'primaryPingUrl');
  assert.equal(paramOf(bySymbol.get('functionAppSecondary'), 'stackName'), 'secondaryLocation');
  assert.equal(paramOf(bySymbol.get('functionApp'), 'stackName'), "hasSecondary ? location : ''");
  // StackPing takes stack-<peerName> only: each app names the other's region.
  assert.equal(paramOf(bySymbol.get('functionApp'), 'peerName'), "hasSecondary ? secondaryLocation : ''");
  assert.equal(paramOf(bySymbol.get('functionAppSecondary'), 'peerName'), 'location');
  // Ping refuses stack-* ids: the peer's beat goes to StackPing, opened by its own function key.
  assert.match(main, /^var primaryPingUrl = 'https:\/\/\$\{names\.functionApp\}\.azurewebsites\.net\/api\/stack-ping'$/m);
  assert.match(main, /^var secondaryPingUrl = 'https:\/\/\$\{secondaryNames\.functionApp\}\.azurewebsites\.net\/api\/stack-ping'$/m);
  assert.equal(paramOf(bySymbol.get('queriesSecondary'), 'coverFor'), "'stack-${location}'");
  assert.equal(paramOf(bySymbol.get('queries'), 'coverFor'), undefined, 'the primary covers for no one');
  const app = stripComments(readRepoFile('infra/modules/function-app.bicep'));
  for (const setting of ['HEARTWATCH_STACK_NAME', 'HEARTWATCH_PEER_NAME', 'HEARTWATCH_PEER_PING_URL']) assert.match(app, new RegExp(`^\\s+${setting}: `, 'm'));
  assert.match(app, /^\s+HEARTWATCH_PEER_KEY: '@Microsoft\.KeyVault\(SecretUri=\$\{secretBase\}\$\{peerKeySecretName\}\/\)'$/m,
    'the peer key is a Key Vault reference, never a value');
});

test('verify reads the secondary\'s own Application Insights from an output', () => {
  assert.match(main, /^output PRIMARY_LOCATION string = location$/m, 'verify looks for stack-<primary> in the secondary');
  assert.match(main, /^output SECONDARY_APPLICATIONINSIGHTS_RESOURCE_ID string = hasSecondary \? monitoringSecondary\.outputs\.resourceId : ''$/m);
});

test('a secondary in the primary\'s region is refused by deploy.sh (Bicep cannot fail())', () => {
  const deploy = readRepoFile('scripts/deploy.sh');
  assert.match(deploy, /--secondary-location \$SECONDARY_LOCATION is the primary's region/);
});
