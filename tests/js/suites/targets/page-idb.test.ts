/** Every suite (bad input, filters, recall, persistence) on the page × idb target. */
import { runSuites } from '../run.js';

runSuites('page', 'idb');
