'use strict';
// Loads the Node tools the infra checks run (tools/package.json) and fails
// with the way to get them when they are missing: these checks never skip.
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const repoRoot = path.resolve(__dirname, '..', '..');
const toolsDir = path.join(repoRoot, 'tools');
const toolsRequire = createRequire(path.join(toolsDir, 'package.json'));

function requireTool(name) {
  try {
    return toolsRequire(name);
  } catch (e) {
    throw new Error(
      `Node tool '${name}' is missing from tools/node_modules: ` +
        'run scripts/test.sh (npm --prefix tools ci/install). Cause: ' + e.message);
  }
}

function resolveTool(request) {
  try {
    return toolsRequire.resolve(request);
  } catch (e) {
    throw new Error(
      `Node tool file '${request}' is missing from tools/node_modules: ` +
        'run scripts/test.sh (npm --prefix tools ci/install). Cause: ' + e.message);
  }
}

function readRepoFile(relative) {
  return fs.readFileSync(path.join(repoRoot, relative), 'utf8');
}

module.exports = { repoRoot, requireTool, resolveTool, readRepoFile };
