import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Disposable, disposeAll, toDisposable } from '../../src/base/disposable';

class Owner extends Disposable {
  register<T extends { dispose(): void }>(value: T): T {
    return this._register(value);
  }
  get disposed(): boolean {
    return this.isDisposed;
  }
}

test('a Disposable releases what it registered, newest first, once', () => {
  const order: string[] = [];
  const owner = new Owner();
  owner.register(toDisposable(() => order.push('listener')));
  owner.register(toDisposable(() => order.push('worker')));
  owner.dispose();
  owner.dispose();
  assert.deepEqual(order, ['worker', 'listener']);
  assert.equal(owner.disposed, true);
});

test('registering on a disposed owner releases at once', () => {
  const owner = new Owner();
  owner.dispose();
  let released = 0;
  owner.register(toDisposable(() => released++));
  assert.equal(released, 1);
});

test('one throwing item does not keep the others alive; the first error is rethrown', () => {
  const released: string[] = [];
  const items = [
    toDisposable(() => released.push('a')),
    { dispose: () => { throw new Error('first'); } },
    toDisposable(() => released.push('c')),
    { dispose: () => { throw new Error('second'); } },
  ];
  assert.throws(() => disposeAll(items), /second/);
  assert.deepEqual(released, ['c', 'a']);
  assert.equal(items.length, 0);
});
