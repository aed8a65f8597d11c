// The console's entry: read the server's settings, then render the app into #app.

import { render } from 'preact'
import { loadSettings } from './api.js'
import { App } from './app.js'
import './styles.css'

const root = document.getElementById('app')!
loadSettings().then(
  (settings) => {
    root.textContent = '' // the "Loading" placeholder: render() would keep it
    render(<App settings={settings} />, root)
  },
  () => {
    root.innerHTML = ''
    const p = document.createElement('p')
    p.setAttribute('role', 'alert')
    p.textContent = 'The console could not reach its server. Reload the page to try again.'
    root.append(p)
  },
)
