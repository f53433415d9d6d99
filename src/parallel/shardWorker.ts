// Entry of a parallel-training worker thread on the desktop and in the CLI (dist/shardWorker.js): serves one shard
// (shardLoop.ts) with the workerData WorkerShards gave it.
import { workerData } from 'node:worker_threads';
import type { ShardWorkerData } from './shardLayout';
import { serveShard } from './shardLoop';

serveShard(workerData as ShardWorkerData);
