/** The catalogue licence a Windows Server guest runs under (DESIGN §6: "Windows licence R89"). */
export const WINDOWS_SERVER_LICENCE = 'LIC-WIN-SRV';

/** vSphere names Windows Server guests WINDOWS_SERVER_2019, WINDOWS_9_SERVER_64, WINDOWS_2019_SERVER_64, … */
const WINDOWS_SERVER = /^WINDOWS(_[A-Z0-9]+)*_SERVER(_|$)/;

export const isWindowsServer = (guestOs: string): boolean => WINDOWS_SERVER.test(guestOs);

/**
 * The licences a new VM carries: those asked for, plus the Windows Server licence for a Windows Server guest
 * (the platform supplies its guests' Windows licences, as the system it replaces did: there is no
 * bring-your-own-licence, so leaving it out is not a way to avoid it). Added last, so the positions
 * of the SKUs the client listed stay those its error messages name.
 */
export function licencesFor(guestOs: string, requested: readonly string[]): string[] {
  return isWindowsServer(guestOs) && !requested.includes(WINDOWS_SERVER_LICENCE) ? [...requested, WINDOWS_SERVER_LICENCE] : [...requested];
}
