'use strict';
/** Runs an async `main(argv)` returning an exit code; an exception prints `ERROR: <message>` and exits 1. */
function runMain(main) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(`ERROR: ${e.message}`);
      process.exitCode = 1;
    },
  );
}
module.exports = { runMain };
