// `npm run bench`: every benchmark module in turn. Figures, not pass/fail: compare before and after.
import { run as runCore, runScaling, runTyping } from './core';
import { benchPreview } from './preview';
import { run as runPreviewBrowser } from './previewBrowser';
import { run as runCapture, runUnderLoad } from './capture';
import { benchTyping } from '../vscode/bench/typing';

async function main(): Promise<void> {
  // The keystroke case first, while the heap is small as in an editor; then the big documents.
  runTyping();
  runCore();
  runScaling();
  benchPreview();
  await runPreviewBrowser();
  await runCapture();
  runUnderLoad();
  await benchTyping();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
