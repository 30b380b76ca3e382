import { finishTestRun } from './test-run.ts';

export default function runTeardown(): void {
  finishTestRun();
}
