'use strict';
// Reading Bicep from its tree-sitter syntax tree: string literals, top-level
// declarations, the values an expression may take (both branches of a
// ternary whose condition is not known, every argument of union()), and the
// constant value of what can be known statically. What cannot be known
// (a function call, a parameter without a value, a reference to another
// resource) is reported as unknown, never guessed.
const fs = require('node:fs');
const path = require('node:path');
const { parseTree } = require('./bicep');

const UNKNOWN = Symbol('unknown');

const named = (node) => node.namedChildren;

/** The value of a string literal node, or null when it is interpolated. */
function stringValue(node) {
  if (!node || node.type !== 'string') return null;
  let out = '';
  for (const c of named(node)) {
    if (c.type === 'string_content') out += c.text;
    else if (c.type === 'escape_sequence') out += { "\\'": "'", '\\\\': '\\', '\\n': '\n', '\\r': '\r', '\\t': '\t', '\\$': '$' }[c.text] ?? c.text;
    else return null;
  }
  return out;
}

const isLiteral = (node) => ['string', 'number', 'boolean', 'null', 'object', 'array'].includes(node.type)
  && (node.type !== 'string' || stringValue(node) !== null);

/** One parsed Bicep file: its declarations by name. */
class BicepFile {
  constructor(file, text, tree) {
    this.file = file;
    this.text = text;
    this.root = tree.rootNode;
    this.params = new Map();
    this.vars = new Map();
    this.resources = [];
    this.modules = new Map();
    this.outputs = new Map();
    for (const decl of named(this.root)) {
      const [id] = named(decl);
      if (decl.type === 'parameter_declaration') {
        const value = named(decl).slice(1).find((c) => c.type !== 'type' && c.type !== 'identifier');
        this.params.set(id.text, { node: decl, defaultValue: value ?? null, decorators: decorators(decl) });
      } else if (decl.type === 'variable_declaration') {
        this.vars.set(id.text, named(decl)[named(decl).length - 1]);
      } else if (decl.type === 'resource_declaration') {
        this.resources.push(...resourceDeclarations(decl, null));
      } else if (decl.type === 'module_declaration') {
        this.modules.set(id.text, { node: decl, path: stringValue(named(decl)[1]), body: declarationBody(decl) });
      } else if (decl.type === 'output_declaration') {
        this.outputs.set(id.text, named(decl)[named(decl).length - 1]);
      }
    }
    this.resourceBySymbol = new Map(this.resources.map((r) => [r.symbol, r]));
  }

  line(node) {
    return `${this.file}:${node.startPosition.row + 1}`;
  }
}

/** Decorators written before a declaration: [{ name, args: [node] }]. */
function decorators(decl) {
  const out = [];
  let prev = decl.previousNamedSibling;
  const list = named(decl).filter((c) => c.type === 'decorators' || c.type === 'decorator');
  const nodes = list.flatMap((d) => (d.type === 'decorators' ? named(d) : [d]));
  while (prev && (prev.type === 'decorator' || prev.type === 'decorators')) {
    nodes.push(...(prev.type === 'decorators' ? named(prev) : [prev]));
    prev = prev.previousNamedSibling;
  }
  for (const d of nodes) {
    const call = named(d).find((c) => c.type === 'call_expression') ?? d;
    const [fn, args] = named(call);
    if (fn) out.push({ name: fn.text, args: args ? named(args) : [] });
  }
  return out;
}

/** The object body of a resource or module declaration (through `if (...)` and `[for ...]`). */
function declarationBody(decl) {
  let value = named(decl)[named(decl).length - 1];
  for (;;) {
    if (value.type === 'if_statement') value = named(value)[named(value).length - 1];
    else if (value.type === 'for_statement') value = named(value)[named(value).length - 1];
    else return value.type === 'object' ? value : null;
  }
}

/** A resource declaration and the child resources declared inside it, with full type names. */
function resourceDeclarations(decl, parent) {
  const [id, typeNode] = named(decl);
  const raw = stringValue(typeNode) ?? '';
  const existing = decl.children.some((c) => !c.isNamed && c.type === 'existing');
  let type; let apiVersion;
  if (raw.includes('@')) [type, apiVersion] = raw.split('@');
  else { type = parent ? `${parent.type}/${raw}` : raw; apiVersion = parent ? parent.apiVersion : ''; }
  const body = declarationBody(decl);
  const self = { symbol: id.text, type, apiVersion, existing, decl, body, parent };
  const children = [];
  for (const prop of body ? named(body) : []) {
    const inner = named(prop).find((c) => c.type === 'resource_declaration');
    if (inner) children.push(...resourceDeclarations(inner, self));
  }
  return [self, ...children];
}

/** Properties of an object literal: [{ key (null when computed), keyNode, value }]; nested resources left out. */
function objectProperties(objectNode) {
  const out = [];
  for (const prop of named(objectNode)) {
    if (prop.type !== 'object_property') continue;
    const [keyNode, value] = named(prop);
    if (!value || keyNode.type === 'resource_declaration') continue;
    const key = keyNode.type === 'identifier' ? keyNode.text : stringValue(keyNode);
    out.push({ key, keyNode, value });
  }
  return out;
}

function property(objectNode, key) {
  return objectProperties(objectNode).find((p) => p.key === key)?.value ?? null;
}

/**
 * Evaluates what can be known statically: literals, parameters given a value
 * in `bindings` (else their default when `useDefaults`), variables, ==, !=,
 * !, &&, ||, ternaries, empty(). Anything else is UNKNOWN.
 */
function evaluate(node, file, bindings = {}, useDefaults = false, depth = 0) {
  if (!node || depth > 50) return UNKNOWN;
  const ev = (n) => evaluate(n, file, bindings, useDefaults, depth + 1);
  switch (node.type) {
    case 'string': { const v = stringValue(node); return v === null ? UNKNOWN : v; }
    case 'number': return Number(node.text);
    case 'boolean': return node.text === 'true';
    case 'null': return null;
    case 'parenthesized_expression': return ev(named(node)[0]);
    case 'identifier': {
      const name = node.text;
      if (Object.prototype.hasOwnProperty.call(bindings, name)) return bindings[name];
      if (file.vars.has(name)) return ev(file.vars.get(name));
      const param = file.params.get(name);
      if (param && useDefaults && param.defaultValue) return ev(param.defaultValue);
      return UNKNOWN;
    }
    case 'unary_expression': {
      const v = ev(named(node)[0]);
      const op = node.children[0].type;
      if (v === UNKNOWN) return UNKNOWN;
      if (op === '!') return !v;
      if (op === '-') return -v;
      return UNKNOWN;
    }
    case 'binary_expression': {
      const [l, r] = named(node);
      const op = node.children.find((c) => !c.isNamed).type;
      const a = ev(l);
      if (op === '&&' && a === false) return false;
      if (op === '||' && a === true) return true;
      const b = ev(r);
      if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
      switch (op) {
        case '==': return a === b;
        case '!=': return a !== b;
        case '&&': return a && b;
        case '||': return a || b;
        case '<': return a < b;
        case '<=': return a <= b;
        case '>': return a > b;
        case '>=': return a >= b;
        default: return UNKNOWN;
      }
    }
    case 'ternary_expression': {
      const [c, t, f] = named(node);
      const cond = ev(c);
      return cond === UNKNOWN ? UNKNOWN : ev(cond ? t : f);
    }
    case 'call_expression': {
      const [fn, args] = named(node);
      const values = args ? named(args).map(ev) : [];
      if (fn.text === 'empty' && values.length === 1 && values[0] !== UNKNOWN) {
        const v = values[0];
        return v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v && Object.keys(v).length === 0);
      }
      return UNKNOWN;
    }
    case 'array': { const items = named(node).map(ev); return items.includes(UNKNOWN) ? UNKNOWN : items; }
    case 'object': {
      const out = {};
      for (const p of objectProperties(node)) {
        const v = ev(p.value);
        if (p.key === null || v === UNKNOWN) return UNKNOWN;
        out[p.key] = v;
      }
      return out;
    }
    default: return UNKNOWN;
  }
}

/**
 * The expressions a value may come from: through parentheses and variables,
 * both branches of a ternary whose condition is unknown (only the taken one
 * when it is known), every argument of union(). Each entry is { node, file }.
 */
function alternatives(node, file, bindings = {}, seen = new Set()) {
  if (!node || seen.size > 200) return [];
  switch (node.type) {
    case 'parenthesized_expression': return alternatives(named(node)[0], file, bindings, seen);
    case 'ternary_expression': {
      const [c, t, f] = named(node);
      const cond = evaluate(c, file, bindings);
      if (cond === UNKNOWN) return [...alternatives(t, file, bindings, seen), ...alternatives(f, file, bindings, seen)];
      return alternatives(cond ? t : f, file, bindings, seen);
    }
    case 'identifier': {
      const v = file.vars.get(node.text);
      if (!v || seen.has(node.text)) return [{ node, file }];
      return alternatives(v, file, bindings, new Set([...seen, node.text]));
    }
    case 'call_expression': {
      const [fn, args] = named(node);
      if (fn.text === 'union' && args) return named(args).flatMap((a) => alternatives(a, file, bindings, seen));
      return [{ node, file }];
    }
    default: return [{ node, file }];
  }
}

/** Object literals a value may be, and the property values at `keys` below them. */
function objectsAt(node, file, keys, bindings = {}) {
  let current = alternatives(node, file, bindings).filter((a) => a.node.type === 'object');
  for (const key of keys) {
    current = current.flatMap((a) => {
      const v = property(a.node, key);
      return v ? alternatives(v, file, bindings).filter((x) => x.node.type === 'object') : [];
    });
  }
  return current;
}

const cache = new Map();

/** Parses a Bicep file of the repository (or a fixture) once. */
async function loadBicep(absolute, label = absolute) {
  if (!cache.has(absolute)) {
    const text = fs.readFileSync(absolute, 'utf8');
    cache.set(absolute, new BicepFile(label, text, await parseTree(text)));
  }
  return cache.get(absolute);
}

/** Parses Bicep text that is not a file (a mutated copy in a test); not cached. */
async function parseBicep(text, label) {
  return new BicepFile(label, text, await parseTree(text));
}

/** The modules a file calls, parsed: [{ symbol, file, args (object node) }]. */
async function moduleCalls(file, absolute) {
  const out = [];
  for (const [symbol, m] of file.modules) {
    const target = path.resolve(path.dirname(absolute), m.path);
    const label = path.join(path.dirname(file.file), m.path);
    out.push({ symbol, absolute: target, file: await loadBicep(target, label), args: m.body ? property(m.body, 'params') : null });
  }
  return out;
}

module.exports = {
  UNKNOWN, named, stringValue, isLiteral, objectProperties, property, evaluate, alternatives, objectsAt,
  loadBicep, parseBicep, moduleCalls, decorators,
};
