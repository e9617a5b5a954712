/**
 * The explorer's browser side: GraphiQL (docs explorer, header editor, history) with an API-key
 * field, queries over HTTP and subscriptions over graphql-ws on the same /graphql, and the saved
 * example operations as tabs. Bundled by gateway/src/explorer/bundle.ts with esbuild; no CDN.
 */
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import './explorer.css';
import { useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { EXAMPLE_OPERATIONS } from '../src/explorer/examples.ts';

const endpoint = new URL('/graphql', window.location.href);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

const tabs = EXAMPLE_OPERATIONS.map((example) => ({
  query: `# ${example.name} (${example.audience})\n${example.query}\n`,
  variables: JSON.stringify(example.variables, null, 2),
}));

function Explorer() {
  const [apiKey, setApiKey] = useState('');
  const key = apiKey.trim();
  // A new fetcher when the key changes: GraphiQL introspects again (the docs appear once signed in),
  // and the WebSocket reconnects with the key in its connectionParams.
  const fetcher = useMemo(() => {
    const auth: Record<string, string> = key === '' ? {} : { authorization: `Bearer ${key}` };
    return createGraphiQLFetcher({ url: endpoint.toString(), subscriptionUrl: socket.toString(), headers: auth, wsConnectionParams: auth });
  }, [key]);
  return (
    <div className="explorer">
      <form className="explorer-bar" onSubmit={(event) => event.preventDefault()}>
        <strong>Cloud platform API explorer</strong>
        <label>
          API key{' '}
          <input
            name="api-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="paste an API key or access token"
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
          />
        </label>
        <span className="explorer-hint">Sent as Authorization: Bearer; headers set in the editor below win.</span>
      </form>
      <div className="explorer-graphiql">
        <GraphiQL fetcher={fetcher} defaultTabs={tabs} isHeadersEditorEnabled shouldPersistHeaders={false} defaultEditorToolsVisibility="variables" />
      </div>
    </div>
  );
}

const root = document.getElementById('explorer');
if (root) createRoot(root).render(<Explorer />);
