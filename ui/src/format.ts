const units = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

// A cover for a game without pictures: initials over a colour chosen by
// genre, so the same kind of game always looks alike.
const genreHues: [RegExp, number][] = [
  [/tactical|team shooter/i, 18],
  [/arena/i, 350],
  [/first-person|shooter/i, 4],
  [/co-op/i, 130],
  [/real-time|strategy/i, 210],
  [/turn-based/i, 235],
  [/racing/i, 45],
  [/rpg|roguelike/i, 285],
  [/sandbox|survival|automation/i, 95],
  [/simulation|farming/i, 165],
  [/sports|moba/i, 190],
  [/puzzle|social|artillery/i, 315],
];

export function genreHue(genre: string): number {
  for (const [pattern, hue] of genreHues) if (pattern.test(genre)) return hue;
  let hash = 0;
  for (const ch of genre) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  return hash;
}

const numeral = /^(\d+(\.\d+)?|[IVX]+)$/;

// "Counter-Strike 1.6" -> CS + 1.6, "Age of Empires II: The Age of Kings" ->
// AE + II, "Factorio" -> Fa: letters of the main title's words, and the
// edition number apart so it can be drawn smaller.
export function coverText(name: string): { letters: string; number: string } {
  const title = name.split(':')[0];
  const words = title
    .split(/[\s\-–]+/)
    .filter((w) => w && !/^(the|of|and|a)$/i.test(w));
  const at = words.findIndex((w, i) => i > 0 && numeral.test(w));
  const number = at > 0 ? words.splice(at, 1)[0] : '';
  if (words.length === 0) return { letters: number || '?', number: '' };
  if (words.length === 1) {
    const word = words[0].replace(/[^\p{L}\p{N}]/gu, '');
    return { letters: word.charAt(0).toUpperCase() + word.slice(1, 2).toLowerCase(), number };
  }
  const letters = words
    .slice(0, 3)
    .map((w) => w.charAt(0).toUpperCase())
    .join('');
  return { letters, number };
}
