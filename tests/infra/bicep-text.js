'use strict';
// Small readers of Bicep source for the structure checks: comments removed
// (string-aware, so 'https://…' survives), params with their decorators,
// outputs, and resource blocks.

function stripComments(text) {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') { out += text[i + 1] ?? ''; i += 2; continue; }
      if (c === "'") inString = false;
      i++;
    } else if (c === "'") {
      inString = true; out += c; i++;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c; i++;
    }
  }
  return out;
}

/** Params: { name, type, hasDefault, decorators: [text] } in order. */
function params(text) {
  const lines = stripComments(text).split('\n');
  const result = [];
  let decorators = [];
  let current = null;
  for (const raw of lines) {
    const line = raw.trim();
    if (current !== null) {
      // A multi-line decorator such as @allowed([ ... ]).
      current += '\n' + line;
      if (balanced(current)) { decorators.push(current); current = null; }
      continue;
    }
    if (line.startsWith('@')) {
      if (balanced(line)) decorators.push(line); else current = line;
      continue;
    }
    const m = line.match(/^param (\w+) (\w+)( =.*)?$/);
    if (m) {
      result.push({ name: m[1], type: m[2], hasDefault: Boolean(m[3]), defaultText: m[3] ? m[3].slice(3).trim() : undefined, decorators });
    }
    if (line !== '') decorators = [];
  }
  return result;
}

function balanced(s) {
  let depth = 0;
  for (const c of s.replace(/'(?:[^'\\]|\\.)*'/g, "''")) {
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth--;
  }
  return depth === 0;
}

function outputs(text) {
  return [...stripComments(text).matchAll(/^output (\w+) (\w+) = (.+)$/gm)].map((m) => ({ name: m[1], type: m[2], value: m[3].trim() }));
}

/** Resource blocks: { symbol, type, apiVersion, body } (body is the text up to the matching brace). */
function resources(text) {
  const code = stripComments(text);
  const found = [];
  for (const m of code.matchAll(/^resource (\w+) '([^@']+)@([^']+)'( existing)? = (?:if \([^\n]*\) )?\{/gm)) {
    let depth = 0;
    let end = m.index + m[0].length - 1;
    for (; end < code.length; end++) {
      if (code[end] === '{') depth++;
      if (code[end] === '}' && --depth === 0) break;
    }
    found.push({ symbol: m[1], type: m[2], apiVersion: m[3], existing: Boolean(m[4]), body: code.slice(m.index, end + 1) });
  }
  return found;
}

module.exports = { stripComments, params, outputs, resources };
