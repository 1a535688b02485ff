// require() of the adapter entries: they share the main CommonJS bundle's classes.
const { MiniVectorDB, InvalidArgumentError } = require('minivectordb');
const { MiniVectorDBStore } = require('minivectordb/langchain');
const { toFilter } = require('minivectordb/llamaindex');
const { toAiSdk } = require('minivectordb/ai-sdk');
const { fromTransformersPipeline } = require('minivectordb/transformers');

(async () => {
  let error;
  try {
    toFilter({ filters: [{ key: 'a', operator: 'text_match', value: 'x' }] });
  } catch (e) {
    error = e;
  }
  const store = await MiniVectorDBStore.fromTexts(['Tighten the chain of a bicycle', 'Bake bread in a hot oven'], {}, undefined);
  const [doc] = await store.similaritySearch('repair my bike', 1);
  const direct = await store.db.search('repair my bike', { k: 1, mode: 'vector' });
  process.stdout.write(
    JSON.stringify({
      sharedError: error instanceof InvalidArgumentError,
      sharedDb: store.db instanceof MiniVectorDB,
      top: doc.pageContent,
      direct: direct[0].text,
      exports: [typeof toAiSdk, typeof fromTransformersPipeline],
    }),
  );
  await store.db.close();
})();
