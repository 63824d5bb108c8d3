// The default theme plus a stylesheet that keeps code blocks and tables inside the content
// column at 1280 px (checked by test/docs/site.browser.test.ts).
import DefaultTheme from 'vitepress/theme';
import './custom.css';

export default DefaultTheme;
