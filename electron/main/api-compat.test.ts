import { describe, expectTypeOf, it } from 'vitest';
import type * as core from '../../core/serve/types.js';
import type { CaptionCueData, ClipInfo, DeviceChoice, EngineInfo, ExportJobRequest, FolderListing, JobEvent, PreviewRequest, PreviewResult, Transcript } from '../common/api.js';

// core/ may not import electron/, so core/serve mirrors the contract's data types; keep them equal.
describe('EngineApi data types match the engine services', () => {
  it('has the same shapes on both sides', () => {
    expectTypeOf<core.ClipSummary>().toEqualTypeOf<ClipInfo>();
    expectTypeOf<core.CueData>().toEqualTypeOf<CaptionCueData>();
    expectTypeOf<core.ExportJob>().toEqualTypeOf<ExportJobRequest>();
    expectTypeOf<core.PreviewJob>().toEqualTypeOf<PreviewRequest>();
    expectTypeOf<core.PreviewFiles>().toEqualTypeOf<PreviewResult>();
    expectTypeOf<core.JobEventData>().toEqualTypeOf<JobEvent>();
    expectTypeOf<core.DeviceChoiceData>().toEqualTypeOf<DeviceChoice>();
    expectTypeOf<core.EngineInfoData>().toEqualTypeOf<EngineInfo>();
    expectTypeOf<core.FolderListingData>().toEqualTypeOf<FolderListing>();
    expectTypeOf<core.TranscriptData>().toEqualTypeOf<Transcript>();
  });
});
