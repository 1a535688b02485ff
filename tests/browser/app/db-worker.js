// A self-hosted database worker, as the README's custom hosting section
// describes: a module worker on the page's origin that imports the package's
// worker script entry (minivectordb/worker-host). Started by the page and passed as { worker }.
import 'minivectordb/worker-host';
