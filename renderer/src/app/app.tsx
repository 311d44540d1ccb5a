import { useEffect, useState } from 'react';
import type { EngineInfo } from '../../../electron/common/api';
import { engine } from '../api/engine';

/** Start screen: what the engine on this machine can do. The editor and timeline come with issue 7. */
export function App() {
  const [info, setInfo] = useState<EngineInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const api = engine();
    if (!api) {
      setError('No engine connected. Start the desktop app, or open the address `clearcut serve` prints.');
      return;
    }
    api.info().then(setInfo, (e: Error) => setError(e.message));
  }, []);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', background: '#111318', color: '#e8eaf0', minHeight: '100vh', padding: 32 }}>
      <h1 style={{ fontWeight: 600, margin: 0 }}>Clearcut</h1>
      <p style={{ color: '#9aa3b2' }}>Works offline: nothing leaves this computer.</p>
      {error && <p role="alert">{error}</p>}
      {info && (
        <ul>
          {info.capabilities.map((c) => (
            <li key={c.id}>
              {c.description}: {c.available ? 'ready' : 'coming soon'}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
