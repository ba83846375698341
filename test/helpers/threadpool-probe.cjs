// Counts the threads in this process's libuv pool without timing guesses: it queues more blocking
// opens of named pipes than any pool has threads and counts, through Linux's /proc, how many threads
// sit blocked in one — each pool thread takes one and none is left free. Linux only (mkfifo, /proc).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** Threads of this process currently asleep opening a FIFO with no writer. */
function blockedInFifoOpen() {
  let n = 0;
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      if (fs.readFileSync(`/proc/self/task/${tid}/wchan`, 'utf8').trim() === 'wait_for_partner') n++;
    } catch {
      // the thread ended meanwhile
    }
  }
  return n;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves to the pool's size; `most` bounds the pools it can measure (libuv's own cap is 1024). */
async function threadpoolSize(most = 256) {
  const dir = fs.mkdtempSync(join(tmpdir(), 'glimpse-uv-probe-'));
  const fifos = Array.from({ length: most + 1 }, (_, i) => join(dir, `f${i}`));
  execFileSync('mkfifo', fifos);
  let opened = 0;
  for (const f of fifos)
    fs.open(f, 'r', (err, fd) => {
      opened++;
      if (!err) fs.close(fd, () => {});
    });
  try {
    // Threads start at once on the first job; wait until the count has held still for a while.
    let count = 0;
    for (let still = 0; still < 10; await sleep(20)) {
      const now = blockedInFifoOpen();
      still = now === count ? still + 1 : 0;
      count = now;
    }
    return count;
  } finally {
    // Release every reader (a blocked pool thread would keep the process from exiting).
    while (opened < fifos.length) {
      for (const f of fifos) {
        try {
          fs.closeSync(fs.openSync(f, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
        } catch {
          // no reader on this one (yet)
        }
      }
      await sleep(5);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { threadpoolSize };
