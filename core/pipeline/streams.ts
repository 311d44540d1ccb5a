/** Helpers for async streams of frames and samples. */

/**
 * Pull up to `size` items ahead of the consumer, so the producer (a decoder) and the consumer
 * (stages and the encoder) run concurrently while memory stays bounded by `size` items.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const queue: Array<Promise<IteratorResult<T>>> = [];
  let ended = false;
  const fill = (): void => {
    while (!ended && queue.length < size) {
      const p = it.next();
      queue.push(p);
      p.then(
        (r) => {
          if (r.done) ended = true;
        },
        () => {
          ended = true;
        },
      );
    }
  };
  try {
    for (;;) {
      fill();
      const next = await queue.shift()!;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Let the source clean up (kill its process) when the consumer stops early.
    await it.return?.();
  }
}

/** Count items as they pass, calling `onItem` with the running total. */
export async function* counted<T>(source: AsyncIterable<T>, onItem: (n: number) => void): AsyncGenerator<T> {
  let n = 0;
  for await (const x of source) {
    yield x;
    onItem(++n);
  }
}
