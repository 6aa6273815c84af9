// The parts of the app's diagnostics handle (`window.__meshmeet`, see apps/web/src/lib/state/call.svelte.ts)
// that the tests read inside the page.
interface MeshmeetTestParticipant {
  id: string;
  name: string;
  link: { pc: RTCPeerConnection; remoteStream: MediaStream };
}

interface MeshmeetTestCall {
  status: 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';
  selfId: string | undefined;
  resumes: number;
  rejoins: number;
  removals: number;
  signaling: { simulateNetworkDrop(): void; connected: boolean };
  participants: Map<string, MeshmeetTestParticipant>;
  negotiations: { offersSent: number; answersSent: number; offersReceived: number; answersReceived: number };
  media: { videoTrack: MediaStreamTrack | null; audioTrack: MediaStreamTrack | null; stream: MediaStream };
}

interface Window {
  __meshmeet?: { call: MeshmeetTestCall };
}
