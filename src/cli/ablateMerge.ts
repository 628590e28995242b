/**
 * `npm run ablate -- merge part1.json part2.json … --out merged.json`: joins the exports of one
 * plan's shards into one file the lab imports (engine/lab/mergeExports.ts checks and merges),
 * and says which planned runs no file holds.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { mergeExports } from '../engine/lab/mergeExports';

/** The merge subcommand; returns the exit code (1 when planned runs are missing, the file is still written). */
export async function mergeMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' } } });
  if (!values.out) throw new Error('merge: --out merged.json is required (where the joined export goes)');
  if (positionals.length === 0) throw new Error('merge: name the shard exports to join, e.g. npm run ablate -- merge part1.json part2.json --out merged.json');
  const files = await Promise.all(positionals.map(async (name) => ({ name, text: await readFile(name, 'utf8') })));
  const { merged, missing } = mergeExports(files, new Date());
  await writeFile(values.out, JSON.stringify(merged, null, 2));
  console.log(`${merged.runs.length} runs from ${files.length} files written to ${values.out}`);
  if (missing.length) console.log(`missing (in no file): ${missing.join(', ')}`);
  return missing.length ? 1 : 0;
}
