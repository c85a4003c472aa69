/**
 * Runs the given tasks one after another, in call order, whether earlier ones failed or not.
 * Versioned saves use it: each reads the current version and stores the next, so two
 * concurrent saves must not both write version n + 1.
 */
export function createOneAtATime(): <T>(task: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (task) => {
    const next = last.then(task, task);
    last = next.catch(() => undefined);
    return next;
  };
}
