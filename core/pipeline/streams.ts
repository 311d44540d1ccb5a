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

/** Take the first item off a stream (to learn the first pts) and give back a stream with it restored. */
export async function peekFirst<T>(source: AsyncIterable<T>): Promise<{ value: T | undefined; frames: AsyncIterable<T> }> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  async function* rest(): AsyncGenerator<T> {
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { value: first.done ? undefined : first.value, frames: rest() };
}
