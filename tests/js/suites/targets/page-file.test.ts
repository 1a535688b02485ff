/** Every suite (bad input, filters, recall, persistence) on the page × file target. */
import { runSuites } from '../run.js';

runSuites('page', 'file');
