import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app serves dist/index.html at / and dist/assets/* at /assets/.
export default defineConfig({
  plugins: [react()],
  base: '/',
  publicDir: false,
  build: { outDir: 'dist', assetsDir: 'assets', emptyOutDir: true },
});
