'use strict';
// What must never appear in infra: account keys, SAS, connection strings
// with keys, key listing, key-based host storage.
const FORBIDDEN = [
  [/\blistKeys\s*\(/i, 'listKeys()'],
  [/\blist(Account|Service)Sas\s*\(/i, 'SAS generation'],
  [/AccountKey\s*=/i, 'an account key in a connection string'],
  [/SharedAccessSignature|SharedAccessKey/i, 'a shared access signature or key'],
  [/DefaultEndpointsProtocol/i, 'a key-based storage connection string'],
  [/[?&]sig=/i, 'a SAS token'],
  [/\b(primary|secondary)Key\b/, 'an account key property'],
  [/allowSharedKeyAccess:\s*true/i, 'shared key access enabled'],
  [/WEBSITE_CONTENTAZUREFILECONNECTIONSTRING/, 'an Azure Files connection string (needs a key)'],
  [/\bAzureWebJobsStorage\b(?!__)/, 'a bare AzureWebJobsStorage connection string setting'],
];

/** Returns the forbidden things found in the text (comments already stripped). */
function findSecrets(code) {
  return FORBIDDEN.filter(([re]) => re.test(code)).map(([, what]) => what);
}

module.exports = { findSecrets };
