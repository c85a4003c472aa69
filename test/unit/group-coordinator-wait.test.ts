import {
  KafkaJSConnectionError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { coordinatorNotReady, whenCoordinatorReady } from '../../services/scoring/consumer/group-generation.ts';
import { GroupRefusedError } from '../../services/scoring/consumer/group-membership.ts';

/** A broker's answer as kafkajs raises it (type and code from its table of Kafka error codes). */
const protocolError = (type: string, code: number, message: string) =>
  new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable: true }));
// kafkajs's typings leave out the message its constructor reads.
const GroupCoordinatorNotFound = KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error;
const notCoordinator = () => protocolError('NOT_COORDINATOR_FOR_GROUP', 16, 'This is not the correct coordinator');

describe('coordinatorNotReady', () => {
  it.each([
    {
      name: 'not the coordinator, after kafkajs retried (what a starting broker answered DescribeGroups)',
      err: new KafkaJSNumberOfRetriesExceeded(notCoordinator(), { retryCount: 5, retryTime: 1600 }),
      want: true,
    },
    {
      name: 'coordinator not available',
      err: protocolError('GROUP_COORDINATOR_NOT_AVAILABLE', 15, 'The group coordinator is not available'),
      want: true,
    },
    { name: 'coordinator loading', err: protocolError('GROUP_LOAD_IN_PROGRESS', 14, 'loading'), want: true },
    {
      name: 'no coordinator found',
      err: new GroupCoordinatorNotFound('Failed to find group coordinator'),
      want: true,
    },
    { name: 'the broker down', err: new KafkaJSConnectionError('connect ECONNREFUSED'), want: false },
    { name: 'a refused group', err: new GroupRefusedError('another instance'), want: false },
    { name: 'anything else', err: new TypeError('x is undefined'), want: false },
  ])('$name: $want', ({ err, want }) => {
    expect(coordinatorNotReady(err)).toBe(want);
  });
});

describe('whenCoordinatorReady', () => {
  /** A clock that moves only when the code under test sleeps. */
  function fakeTime() {
    let at = 0;
    const slept: number[] = [];
    return {
      slept,
      now: () => at,
      sleep: (ms: number) => {
        slept.push(ms);
        at += ms;
        return Promise.resolve();
      },
    };
  }

  it('calls again, waiting longer each time, until the coordinator answers', async () => {
    const time = fakeTime();
    const waits: unknown[] = [];
    let calls = 0;
    const answer = await whenCoordinatorReady(
      () => (++calls <= 3 ? Promise.reject(notCoordinator()) : Promise.resolve('members')),
      { waitMs: 60_000, ...time, onWait: (err) => waits.push(err) },
    );
    expect(answer).toBe('members');
    expect(calls).toBe(4);
    expect(time.slept).toEqual([250, 500, 1_000]);
    expect(waits).toHaveLength(1);
  });

  it('throws the last answer once the wait is over', async () => {
    const time = fakeTime();
    let calls = 0;
    const call = () => {
      calls++;
      return Promise.reject(notCoordinator());
    };
    await expect(whenCoordinatorReady(call, { waitMs: 5_000, ...time, onWait: () => undefined })).rejects.toThrow(
      'This is not the correct coordinator',
    );
    expect(time.slept).toEqual([250, 500, 1_000, 2_000, 1_250]);
    expect(calls).toBe(6);
  });

  it('throws any other error at once', async () => {
    const time = fakeTime();
    const down = new KafkaJSConnectionError('connect ECONNREFUSED');
    await expect(
      whenCoordinatorReady(() => Promise.reject(down), { waitMs: 60_000, ...time, onWait: () => undefined }),
    ).rejects.toBe(down);
    expect(time.slept).toEqual([]);
  });
});
