// The README's LangChain snippet, with a fake chat model (no network).
import { MiniVectorDBStore } from 'minivectordb/langchain';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { FakeChatModel } from '@langchain/core/utils/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const llm = new FakeChatModel({}); // echoes its prompt: any chat model goes here

// --- README snippet: begin
const store = await MiniVectorDBStore.fromTexts(
  ['Tighten the chain of a bicycle', 'Pump the tyres of your bike', 'Bake bread in a hot oven', 'Water the tomatoes at dawn'],
  [{ topic: 'bike' }, { topic: 'bike' }, { topic: 'kitchen' }, { topic: 'garden' }],
  undefined, // the database embeds, with the built-in wordnet-256 model (no download)
);
const retriever = store.asRetriever({ k: 2 });
const formatDocs = RunnableLambda.from((docs) => docs.map((d) => d.pageContent).join('\n'));
const chain = RunnableSequence.from([
  { context: retriever.pipe(formatDocs), question: new RunnablePassthrough() },
  ChatPromptTemplate.fromTemplate('Answer from the context.\n{context}\nQuestion: {question}'),
  llm,
  new StringOutputParser(),
]);
const answer = await chain.invoke('how do I repair my bicycle?');
// --- README snippet: end

// The reference: the same search straight through the database.
const direct = await store.db.search('how do I repair my bicycle?', { k: 2, mode: 'vector' });
const url = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'mvdb-lc-')), 'rag.mvdb')).href;
await store.save(url);
const loaded = await MiniVectorDBStore.load(url, undefined);
const again = await loaded.similaritySearch('how do I repair my bicycle?', 2, { topic: 'bike' });
process.stdout.write(JSON.stringify({ answer, directTexts: direct.map((h) => h.text), reloaded: again.map((d) => d.pageContent), filteredTopics: again.map((d) => d.metadata.topic) }));
await store.db.close();
await loaded.db.close();
