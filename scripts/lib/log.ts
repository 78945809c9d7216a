// Progress output shared by the scripts: a prefix per script, elapsed times people can read.

export function log(message: string, scope = "setup"): void {
  console.log(`[${scope}] ${message}`);
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}
