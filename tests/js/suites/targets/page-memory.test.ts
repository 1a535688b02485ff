/** Every suite (bad input, filters, recall, persistence) on the page × memory target. */
import { runSuites } from '../run.js';

runSuites('page', 'memory');
