/** One caption: editable times and text, low-confidence words highlighted, live rule checks. */
import { useEffect, useState } from 'react';
import { useApp } from '../../stores/store';
import type { EditableCue } from './captions-slice';
import { checkCue, formatTime, parseTime } from './caption-checks';

function TimeField({ value, label, onCommit }: { value: number; label: string; onCommit: (t: number) => void }) {
  const [text, setText] = useState(formatTime(value));
  useEffect(() => setText(formatTime(value)), [value]);
  const bad = parseTime(text) === undefined;
  const commit = () => {
    const t = parseTime(text);
    if (t !== undefined && Math.abs(t - value) > 1e-4) onCommit(t);
    else setText(formatTime(value));
  };
  return <input className={`time ${bad ? 'invalid' : ''}`} aria-label={label} value={text} onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />;
}

export function CueRow({ cue, next, index }: { cue: EditableCue; next?: EditableCue; index: number }) {
  const low = useApp((s) => s.lowConfidenceBelow);
  const selected = useApp((s) => s.selectedCue === cue.id);
  const { editCue, splitCue, mergeWithNext, deleteCue, selectCue } = useApp.getState();
  const [text, setText] = useState(cue.text);
  useEffect(() => setText(cue.text), [cue.text]);
  const problems = checkCue({ start: cue.start, end: cue.end, text }, next);
  const lowWords = cue.words.filter((w) => w.confidence !== undefined && w.confidence < low);
  return (
    <li className={`cue ${selected ? 'selected' : ''} ${problems.length ? 'has-problems' : ''}`} onFocus={() => selectCue(cue.id)} data-cue={index}>
      <span className="cue-index">{index + 1}</span>
      <div className="cue-times">
        <TimeField value={cue.start} label={`Caption ${index + 1} start`} onCommit={(start) => editCue(cue.id, { start })} />
        <TimeField value={cue.end} label={`Caption ${index + 1} end`} onCommit={(end) => editCue(cue.id, { end })} />
      </div>
      <div className="cue-body">
        <textarea
          aria-label={`Caption ${index + 1} text`}
          rows={2}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => text !== cue.text && editCue(cue.id, { text })}
        />
        <div className="cue-words" aria-label="Words">
          {cue.words.map((w, i) => (
            <span key={i} className={w.confidence !== undefined && w.confidence < low ? 'word low' : 'word'} title={w.confidence !== undefined ? `confidence ${(w.confidence * 100).toFixed(0)}%` : undefined}>
              {w.text}
            </span>
          ))}
        </div>
        {(problems.length > 0 || lowWords.length > 0) && (
          <ul className="cue-problems">
            {problems.map((p) => <li key={p.kind} className="warn">{p.message}</li>)}
            {lowWords.length > 0 && <li className="low-note">Check: {lowWords.map((w) => w.text).join(', ')} (unsure)</li>}
          </ul>
        )}
      </div>
      <div className="cue-actions">
        <button className="ghost small" onClick={() => splitCue(cue.id)} title="Split in two">Split</button>
        {next && <button className="ghost small" onClick={() => mergeWithNext(cue.id)} title="Merge with the next caption">Merge</button>}
        <button className="ghost small danger" onClick={() => deleteCue(cue.id)} aria-label={`Delete caption ${index + 1}`}>✕</button>
      </div>
    </li>
  );
}
