/**
 * Says where the lab's queue runs when it is not in this tab: in another tab (this one shows its
 * runs live and its buttons act through that tab), or nowhere because the owning tab was closed
 * or crashed, with Take over to run the queue here.
 */
import type { LabController, LabState } from '../../lab/labController';

export interface QueueOwnerNoteProps {
  lab: LabController;
  owner: LabState['queueOwner'];
}

export function QueueOwnerNote({ lab, owner }: QueueOwnerNoteProps) {
  if (owner === 'here' || owner === 'pending') return null;
  return (
    <p className="lab-owner field-hint" role="status" data-testid="lab-queue-owner" data-owner={owner}>
      {owner === 'elsewhere' ? (
        'The queue runs in another tab of this lab; its runs show here as they go.'
      ) : (
        <>
          The tab that ran the queue is gone.{' '}
          <button type="button" className="primary" onClick={() => void lab.takeOver()} data-testid="lab-take-over">
            Take over
          </button>
        </>
      )}
    </p>
  );
}
