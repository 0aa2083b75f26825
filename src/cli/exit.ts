/**
 * Leave the process with `code` once stdout and stderr have taken everything written to them. Node writes to a pipe
 * asynchronously, so process.exit right after a write drops what the pipe has not taken yet: `eval --json | jq`
 * read a JSON cut at 64 KiB. A write's callback runs after the writes before it, so an empty write marks the end.
 */
export function exitWhenFlushed(code: number): void {
  let open = 2;
  const done = () => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
