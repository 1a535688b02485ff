/** Every suite (bad input, filters, recall, persistence) on the worker × memory target. */
import { runSuites } from '../run.js';

runSuites('worker', 'memory');
