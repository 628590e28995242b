// The layer rule: an import is resolved against the importing file's folder, and the folder it
// lands in is checked against what the importer's layer may reach. A specifier alone cannot say
// this (`../lab/x` is src/lab from src/engine/config.ts but src/engine/lab from src/engine/train/),
// so the rule resolves paths instead of matching strings.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Repository-relative path with forward slashes. */
function fromRoot(file) {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

function inside(rel, folder) {
  return rel === folder || rel.startsWith(`${folder}/`);
}

/** @type {import('eslint').Rule.RuleModule} */
const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps each source folder to the folders its layer may import.' },
    schema: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: { from: { type: 'string' }, forbid: { type: 'array', items: { type: 'string' } }, why: { type: 'string' } },
          required: ['from', 'forbid', 'why'],
          additionalProperties: false,
        },
      },
    ],
    messages: { crossed: '{{from}}/ may not import from {{target}}/: {{why}}' },
  },
  create(context) {
    const rules = context.options[0] ?? [];
    const file = fromRoot(context.filename);
    const mine = rules.filter((r) => inside(file, r.from));
    if (mine.length === 0) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = fromRoot(path.resolve(path.dirname(context.filename), source));
      for (const rule of mine) {
        const hit = rule.forbid.find((folder) => inside(target, folder));
        if (hit) context.report({ node, messageId: 'crossed', data: { from: rule.from, target: hit, why: rule.why } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers } };
