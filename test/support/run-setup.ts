import { prepareTestRun } from './test-run.ts';

export default function runSetup(): void {
  prepareTestRun();
}
