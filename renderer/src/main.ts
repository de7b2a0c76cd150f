// Renderer entry: the API client for this environment, Pinia, the theme, and the app.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { createClient } from './api/client'
import { provideClient } from './api/inject'
import App from './components/App.vue'
import './styles/theme.css'

const app = createApp(App)
provideClient(app, createClient())
app.use(createPinia())
app.mount('#app')
