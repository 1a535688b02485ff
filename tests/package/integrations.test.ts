/**
 * The framework adapters from the packed package: first without the
 * optional peers (minivectordb loads; the adapter entries name the missing
 * peer), then with them installed offline: a LangChain retrieval chain, a
 * LlamaIndex HYBRID query, an AI SDK model as embedder (the README's snippets).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { cleanEnv, consumerProject, npm, removeDir, root } from './pack.js';

const PEERS = ['@langchain/core', '@llamaindex/core', 'ai', '@ai-sdk/provider'];

function run(dir: string, script: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, [script], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('installed package: framework adapters', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await consumerProject(inject('tarball'), 'integrations');
  });
  afterAll(() => removeDir(dir));

  test('without the optional peers: npm installs none, minivectordb works, each adapter entry fails naming its peer', () => {
    for (const p of PEERS) expect(existsSync(join(dir, 'node_modules', p)), p).toBe(false);
    const out = run(dir, 'core-only.mjs');
    expect(out).toEqual({
      core: 'a',
      entries: { langchain: 'ERR_MODULE_NOT_FOUND: @langchain/core', llamaindex: 'ERR_MODULE_NOT_FOUND: @llamaindex/core', 'ai-sdk': 'ERR_MODULE_NOT_FOUND: ai' },
    });
  });

  describe('with the peers installed', () => {
    beforeAll(() => {
      const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
      npm(['install', '--prefer-offline', '--no-audit', '--no-fund', ...PEERS.map((p) => `${p}@${ours.devDependencies[p]}`)], dir);
    });

    test('LangChain: a retrieval chain over a small corpus answers from the documents the database finds; save and load by file:// URL', () => {
      const out = run(dir, 'langchain.mjs') as { answer: string; directTexts: string[]; reloaded: string[]; filteredTopics: string[] };
      expect(out.directTexts).toHaveLength(2);
      expect(out.answer).toBe(`Answer from the context.\n${out.directTexts.join('\n')}\nQuestion: how do I repair my bicycle?`);
      expect(out.directTexts[0]).toMatch(/bicycle|bike/);
      expect(out.filteredTopics).toEqual(['bike', 'bike']);
      expect([...out.reloaded].sort()).toEqual(['Pump the tyres of your bike', 'Tighten the chain of a bicycle']);
    });

    test('require(): the CommonJS adapter entries share the main bundle’s classes', () => {
      const out = run(dir, 'require.cjs');
      expect(out).toEqual({ sharedError: true, sharedDb: true, top: out.direct, direct: 'Tighten the chain of a bicycle', exports: ['function', 'function'] });
    });

    test('LlamaIndex: a HYBRID query with a metadata filter is our hybrid search', () => {
      const out = run(dir, 'llamaindex.mjs') as { ids: string[]; texts: string[]; directIds: string[]; similarities: number[]; directScores: number[] };
      expect(out.ids).toEqual(out.directIds);
      expect(out.similarities).toEqual(out.directScores);
      expect(out.ids).toHaveLength(2);
      expect(out.ids).not.toContain('n0'); // year 2020 is filtered out
      expect(out.texts[0]).toBe('Pump the tyres of your bike');
    });

    test('AI SDK: a v3 EmbeddingModel embeds for the database (brute-force ranking), ours serves embedMany', () => {
      const out = run(dir, 'ai-sdk.mjs') as { hits: string[]; truth: string[]; scores: number[]; truthScores: number[]; calls: number[]; dims: number[]; sameAsOurs: boolean };
      expect(out.hits).toEqual(out.truth);
      out.scores.forEach((s, i) => expect(s).toBeCloseTo(out.truthScores[i]!, 5));
      expect(out.calls).toEqual([2, 1, 1]); // three texts in calls of ≤ 2, then the query
      expect(out.dims).toEqual([256, 256]);
      expect(out.sameAsOurs).toBe(true);
    });
  });
});
