// `npm run bench`: every benchmark module in turn. Figures, not pass/fail: compare before and after.
import { benchPreview } from './preview';
import { run as runPreviewBrowser } from './previewBrowser';

async function main(): Promise<void> {
  benchPreview();
  await runPreviewBrowser();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
