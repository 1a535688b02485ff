/** Every suite (bad input, filters, recall, persistence) on the worker × idb target. */
import { runSuites } from '../run.js';

runSuites('worker', 'idb');
