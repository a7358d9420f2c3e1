/**
 * Runs `fn` once per burst of calls, `ms` after the first: never two at a time, and once more
 * (after another pause) if asked while running. `cancel` drops a pending run.
 */
export function coalesce(fn: () => Promise<void>, ms: number): { run: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  const later = (then: () => Promise<void>) => {
    timer = setTimeout(() => {
      timer = undefined;
      void then();
    }, ms);
  };
  const once = async () => {
    running = true;
    try {
      await fn();
    } finally {
      running = false;
      if (again) {
        again = false;
        later(fn);
      }
    }
  };
  return {
    run() {
      if (running) again = true;
      else if (timer === undefined) later(once);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
