/**
 * Video of the 3D view: the canvas's stream (canvas.captureStream) through MediaRecorder into a WebM. The view
 * is recorded as drawn, with the overlays the user has on (reference ghost, foot contacts, CoM projection).
 * MediaRecorder stamps frames with wall-clock time: the file lasts as long as the recording ran.
 */
import { fail } from '../../core/errors';

// VP8 first: its software encoder keeps up on a busy CPU where VP9's drops frames
const TYPES = ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm'];

export class VideoRecorder {
  private mr: MediaRecorder | null = null;
  private chunks: Blob[] = [];
  private startedAt = 0;

  get active(): boolean {
    return !!this.mr;
  }
  /** seconds recorded so far (wall clock) */
  get seconds(): number {
    return this.mr ? (performance.now() - this.startedAt) / 1000 : 0;
  }

  start(canvas: HTMLCanvasElement, fps = 30): void {
    if (typeof MediaRecorder === 'undefined' || typeof canvas.captureStream !== 'function')
      fail('ParseError', 'video', 'browser', 'this browser cannot record a canvas (no MediaRecorder / captureStream)');
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    if (!mimeType) fail('ParseError', 'video', 'browser', 'this browser records no WebM');
    const mr = new MediaRecorder(canvas.captureStream(fps), { mimeType, videoBitsPerSecond: 4_000_000 });
    this.chunks = [];
    mr.ondataavailable = (e) => {
      if (e.data.size) this.chunks.push(e.data);
    };
    mr.start(250);
    this.mr = mr;
    this.startedAt = performance.now();
  }

  /**
   * Stop; the WebM and how long the recorder ran (s, wall clock). `draw` paints the view once more first, so the
   * last frame is stamped at the stop (the canvas is captured only when painted).
   */
  async stop(draw: () => void = () => {}): Promise<{ blob: Blob; seconds: number }> {
    const mr = this.mr;
    if (!mr) throw new Error('not recording a video');
    draw();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const seconds = this.seconds;
    this.mr = null;
    return new Promise((resolve) => {
      mr.onstop = () => {
        mr.stream.getTracks().forEach((t) => t.stop());
        resolve({ blob: new Blob(this.chunks, { type: 'video/webm' }), seconds });
      };
      mr.stop();
    });
  }
}
