/**
 * The tricks of the 'schedule' phase (linear scaling, warmup, cosine decay), in registry order.
 * Their modules hold no tensor code, so the page's learning-rate preview (train/schedule.ts on
 * the main thread) resolves the schedule from these without importing the registry's tfjs
 * tricks; the contract test checks this is exactly the registry's schedule-phase list.
 */
import { cosine } from './cosine';
import { linearScaling } from './linearScaling';
import type { Trick } from './types';
import { warmup } from './warmup';

export const SCHEDULE_TRICKS: readonly Trick[] = [linearScaling, warmup, cosine];
