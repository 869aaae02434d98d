import type { ReactNode } from 'react';
import { coverText, genreHue } from '../format';

export function Cover({ name, genre, children }: { name: string; genre: string; children?: ReactNode }) {
  const hue = genreHue(genre);
  const text = coverText(name);
  const style = {
    background: `radial-gradient(circle at 25% 20%, hsl(${hue} 85% 62% / 0.9), transparent 60%),
      linear-gradient(135deg, hsl(${hue} 70% 38%), hsl(${(hue + 40) % 360} 60% 16%))`,
  };
  return (
    <div className="cover" style={style} aria-hidden="true">
      <span className="cover-initials">
        {text.letters}
        {text.number && <span className="cover-number">{text.number}</span>}
      </span>
      <span className="cover-genre">{genre}</span>
      {children}
    </div>
  );
}
