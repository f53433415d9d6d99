// esbuild loads .css files as text (loader { '.css': 'text' } in esbuild.mjs and the webview test harness).
declare module '*.css' {
  const text: string;
  export default text;
}
