#!/usr/bin/env -S node --max-old-space-size=768 --max-semi-space-size=64
// The `cds` command. TypeScript sources run through tsx, so a fresh clone needs no build step.
//
// The heap cap: with the default limit (about 4 GB on a 24 GB machine) V8 let a load's garbage grow the heap
// to ~850 MB between major collections while ~250 MB was live, and the loader's peak RSS reached 1,049 MiB
// at 100,000 studies. Capped, it collects earlier and stays under ~450 MiB (bench/load.ts runs the loader
// with the flags of this line, read from here).
//
// The young generation: a batch's projections live about a second, through many scavenges of the 16 MB
// semi-space V8 picks under that cap. Scavenges took 0.32 ms of the loader's 1.93 ms of CPU per study
// (10,000 studies). With 64 MB: 0.11 ms, loader 1.50 ms per study, load phase −12 %, peak RSS 487 →
// 550–650 MiB. 128 MB gained no CPU and reached 754 MiB.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
