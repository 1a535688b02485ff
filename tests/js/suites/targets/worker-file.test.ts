/** Every suite (bad input, filters, recall, persistence) on the worker × file target. */
import { runSuites } from '../run.js';

runSuites('worker', 'file');
