'use strict';
// The resource type check: every resource body against Azure's published
// type definition of its exact type@apiVersion (tests/infra/azure-types,
// vendored from Azure/bicep-types-az). It reports unknown property names
// (and names of the wrong case), read-only properties that are set, values
// outside a closed enum or string literal type, a literal of the wrong kind
// (a string where an object goes, a number out of range), and a type@version
// the data does not hold. Expressions are followed as far as they can be
// known (variables, both branches of a ternary, every argument of union(),
// the body of a for-expression); what cannot be known is skipped.
const fs = require('node:fs');
const path = require('node:path');
const { named, stringValue, objectProperties, property, alternatives } = require('./bicep-ast');

const TYPES_DIR = path.join(__dirname, 'azure-types');
const FLAG_READ_ONLY = 2;
// Keys of a resource declaration that are Bicep's, not the resource body's.
const BICEP_KEYWORDS = new Set(['parent', 'scope', 'dependsOn']);

function typesFiles(dir = TYPES_DIR) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? typesFiles(p) : e.name === 'types.json' ? [p] : [];
  });
}

let index;

/** type@apiVersion (type lower-cased) -> { types, body, file }. */
function typeIndex() {
  if (index) return index;
  index = new Map();
  for (const file of typesFiles()) {
    const types = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const t of types) {
      if (t.$type !== 'ResourceType') continue;
      const [type, version] = t.name.split('@');
      index.set(`${type.toLowerCase()}@${version}`, { types, body: t.body, file: path.relative(TYPES_DIR, file) });
    }
  }
  return index;
}

function lookup(type, apiVersion) {
  return typeIndex().get(`${type.toLowerCase()}@${apiVersion}`) ?? null;
}

class Checker {
  constructor(file, resource, types) {
    this.file = file;
    this.resource = resource;
    this.types = types;
    this.problems = [];
  }

  deref(ref) {
    return this.types[Number(ref.$ref.split('/').pop())];
  }

  report(node, code, where, message) {
    this.problems.push({ code, at: this.file.line(node), message: `${this.resource.type}@${this.resource.apiVersion} ${where}: ${message}` });
  }

  /** Checks every value an expression may take against a type reference. */
  check(node, ref, where, top = false) {
    for (const alt of alternatives(node, this.file)) {
      if (alt.file === this.file) this.checkValue(alt.node, this.deref(ref), where, top);
    }
  }

  checkValue(node, type, where, top) {
    if (node.type === 'null') return;
    switch (type.$type) {
      case 'AnyType': return;
      case 'ObjectType': return this.checkObject(node, type.properties ?? {}, type.additionalProperties, where, top);
      case 'DiscriminatedObjectType': return this.checkDiscriminated(node, type, where, top);
      case 'ArrayType': return this.checkArray(node, type, where);
      case 'UnionType': return this.checkUnion(node, type, where);
      case 'StringLiteralType': {
        const v = stringValue(node);
        if (v !== null && v !== type.value) this.report(node, 'wrong-value', where, `'${v}' is not '${type.value}'`);
        else if (v === null) this.wrongKind(node, 'string', where);
        return;
      }
      case 'StringType': {
        const v = stringValue(node);
        if (v === null) return this.wrongKind(node, 'string', where);
        if (type.minLength !== undefined && v.length < type.minLength) this.report(node, 'wrong-value', where, `'${v}' is shorter than ${type.minLength}`);
        if (type.maxLength !== undefined && v.length > type.maxLength) this.report(node, 'wrong-value', where, `'${v}' is longer than ${type.maxLength}`);
        return;
      }
      case 'IntegerType': {
        if (node.type !== 'number') return this.wrongKind(node, 'integer', where);
        const v = Number(node.text);
        if (!Number.isInteger(v)) this.report(node, 'wrong-kind', where, `${node.text} is not an integer`);
        if (type.minValue !== undefined && v < type.minValue) this.report(node, 'wrong-value', where, `${v} is below the minimum ${type.minValue}`);
        if (type.maxValue !== undefined && v > type.maxValue) this.report(node, 'wrong-value', where, `${v} is above the maximum ${type.maxValue}`);
        return;
      }
      case 'BooleanType':
        if (node.type !== 'boolean') this.wrongKind(node, 'bool', where);
        return;
      default:
        return;
    }
  }

  /** A literal of another kind than the type wants; expressions are not literals and pass. */
  wrongKind(node, wanted, where) {
    const kinds = { string: 'string', number: 'integer', boolean: 'bool', object: 'object', array: 'array' };
    const kind = node.type === 'string' ? (stringValue(node) === null ? null : 'string') : kinds[node.type];
    if (kind && kind !== wanted) this.report(node, 'wrong-kind', where, `a ${kind} where the type wants a ${wanted}`);
  }

  checkObject(node, properties, additional, where, top) {
    if (node.type !== 'object') return this.wrongKind(node, 'object', where);
    for (const { key, keyNode, value } of objectProperties(node)) {
      if (top && BICEP_KEYWORDS.has(key)) continue;
      const at = where ? `${where}.${key ?? keyNode.text}` : key ?? keyNode.text;
      if (key === null) {
        if (additional) this.check(value, additional, at);
        continue;
      }
      const prop = properties[key];
      if (!prop) {
        const other = Object.keys(properties).find((k) => k.toLowerCase() === key.toLowerCase());
        if (other) this.report(keyNode, 'unknown-property', at, `no property '${key}' (the type spells it '${other}')`);
        else if (additional) this.check(value, additional, at);
        else this.report(keyNode, 'unknown-property', at, `no property '${key}' in this type (known: ${Object.keys(properties).join(', ')})`);
        continue;
      }
      if (prop.flags & FLAG_READ_ONLY) {
        this.report(keyNode, 'read-only', at, `'${key}' is read-only: Azure sets it`);
        continue;
      }
      this.check(value, prop.type, at);
    }
  }

  checkDiscriminated(node, type, where, top) {
    if (node.type !== 'object') return this.wrongKind(node, 'object', where);
    const discriminator = property(node, type.discriminator);
    const value = discriminator ? stringValue(discriminator) : null;
    const merged = (element) => ({ ...(type.baseProperties ?? {}), ...(this.deref(element).properties ?? {}) });
    if (value !== null) {
      const element = type.elements[value];
      if (!element) {
        this.report(discriminator, 'wrong-value', `${where ? where + '.' : ''}${type.discriminator}`,
          `'${value}' is not one of ${Object.keys(type.elements).map((k) => `'${k}'`).join(', ')}`);
        return;
      }
      return this.checkObject(node, merged(element), undefined, where, top);
    }
    // The discriminator is not known: a property must exist in one of the variants.
    const all = Object.values(type.elements).reduce((acc, e) => ({ ...acc, ...merged(e) }), { ...(type.baseProperties ?? {}) });
    return this.checkObject(node, all, undefined, where, top);
  }

  checkArray(node, type, where) {
    if (node.type === 'for_statement') {
      const body = named(node)[named(node).length - 1];
      return this.check(body, type.itemType, `${where}[]`);
    }
    if (node.type !== 'array') return this.wrongKind(node, 'array', where);
    for (const item of named(node)) this.check(item, type.itemType, `${where}[]`);
  }

  checkUnion(node, type, where) {
    const elements = type.elements.map((e) => this.deref(e));
    const str = stringValue(node);
    if (node.type === 'string' && str === null) return;
    if (str !== null) {
      if (elements.some((e) => e.$type === 'StringType' || e.$type === 'AnyType')) return;
      const literals = elements.filter((e) => e.$type === 'StringLiteralType').map((e) => e.value);
      if (literals.length && !literals.includes(str)) {
        this.report(node, 'wrong-value', where, `'${str}' is not one of ${literals.map((l) => `'${l}'`).join(', ')}`);
      } else if (!literals.length && !elements.some((e) => e.$type === 'UnionType')) {
        this.wrongKind(node, elements[0].$type === 'ObjectType' ? 'object' : 'value', where);
      }
      return;
    }
    // Objects and other literals: accepted when one element accepts them.
    const before = this.problems.length;
    for (const e of elements) {
      const trial = new Checker(this.file, this.resource, this.types);
      trial.checkValue(node, e, where, false);
      if (trial.problems.length === 0) return;
    }
    if (elements.length) this.checkValue(node, elements[0], where, false);
    if (this.problems.length === before) return;
  }
}

/** Type problems of every resource in a parsed Bicep file: [{ code, at, message }]. */
function checkResourceTypes(file) {
  const problems = [];
  for (const resource of file.resources) {
    const found = lookup(resource.type, resource.apiVersion);
    if (!found) {
      problems.push({ code: 'unknown-type', at: file.line(resource.decl), message: `${resource.type}@${resource.apiVersion} is not in tests/infra/azure-types: vendor its definition (see the README there)` });
      continue;
    }
    if (resource.existing || !resource.body) continue;
    const checker = new Checker(file, resource, found.types);
    checker.checkValue(resource.body, checker.deref(found.body), '', true);
    problems.push(...checker.problems);
  }
  // A value reached along two paths (a variable used in both branches) is reported once.
  const seen = new Set();
  return problems.filter((p) => {
    const key = `${p.at} ${p.code} ${p.message}`;
    return seen.has(key) ? false : seen.add(key);
  });
}

module.exports = { TYPES_DIR, typesFiles, typeIndex, lookup, checkResourceTypes };
