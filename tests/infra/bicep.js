'use strict';
// The tree-sitter Bicep grammar (WASM, no build): a real Bicep parser for
// syntax, since no Bicep compiler can run here.
const { requireTool, resolveTool } = require('./tools');

let parserPromise;

function parser() {
  if (!parserPromise) {
    parserPromise = (async () => {
      const Parser = requireTool('web-tree-sitter');
      await Parser.init();
      const language = await Parser.Language.load(resolveTool('tree-sitter-bicep/tree-sitter-bicep.wasm'));
      const p = new Parser();
      p.setLanguage(language);
      return p;
    })();
  }
  return parserPromise;
}

/** Parses Bicep text; returns the syntax errors as "line:col text" (empty when clean). */
async function syntaxErrors(text) {
  const tree = (await parser()).parse(text);
  const errors = [];
  const walk = (node) => {
    if (node.type === 'ERROR' || node.isMissing) {
      const at = node.startPosition;
      errors.push(`${at.row + 1}:${at.column + 1} ${node.isMissing ? 'missing ' + node.type : 'unexpected ' + JSON.stringify(node.text.slice(0, 60))}`);
      return;
    }
    for (const child of node.children) walk(child);
  };
  if (tree.rootNode.hasError) walk(tree.rootNode);
  if (tree.rootNode.hasError && errors.length === 0) errors.push('parse error (no ERROR node located)');
  tree.delete();
  return errors;
}

/** Parses Bicep text into a tree-sitter tree (the caller reads it; the tree lives as long as the process). */
async function parseTree(text) {
  return (await parser()).parse(text);
}

module.exports = { syntaxErrors, parseTree };
