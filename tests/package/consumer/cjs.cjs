const { DimensionMismatchError, MiniVectorDB } = require('minivectordb');
const { run } = require('./checks.cjs');

run(MiniVectorDB, DimensionMismatchError)
  .then((out) => {
    out.resolved = require.resolve('minivectordb');
    process.stdout.write(JSON.stringify(out));
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
