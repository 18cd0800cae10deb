import { synthApp } from './invokers-app.mjs';
synthApp(20);
