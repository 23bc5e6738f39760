import { mount } from 'svelte';
import '@/assets/theme.css';
import './panel.css';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing');
mount(App, { target });
