/**
 * An error boundary around one chart or panel: a fault while rendering it (a bug, or data no
 * one foresaw) shows a message in its place and leaves the rest of the page, the run in the
 * worker and Download results working. Without it React unmounts the whole app. The panel is
 * drawn again when `resetKey` changes (e.g. a new run) or on "Draw again".
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

export interface PanelBoundaryProps {
  /** What the panel is, for the message: "The loss chart". */
  name: string;
  /** A change (a new run, new data) clears the fault and draws the panel again. */
  resetKey?: unknown;
  children: ReactNode;
}

interface State {
  error: Error | null;
  resetKey: unknown;
}

export class PanelBoundary extends Component<PanelBoundaryProps, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: PanelBoundaryProps, state: State): Partial<State> | null {
    return Object.is(props.resetKey, state.resetKey) ? null : { error: null, resetKey: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept in the console for a bug report; the page shows the short message.
    console.error(`${this.props.name} could not be drawn:`, error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="panel-fault" role="alert" data-testid="panel-fault">
        {this.props.name} could not be drawn ({error.message.slice(0, 200)}). The rest of the page and the run go on.
        <button type="button" onClick={() => this.setState({ error: null })}>
          Draw again
        </button>
      </div>
    );
  }
}
